"""The gazetteer: administrative divisions (GB/T 2260), countries, and institutions."""
