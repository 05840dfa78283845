"""policyx: Chinese government policy documents → trustworthy structured data."""

__version__ = "0.1.0"
