# Makes the criteria folder installable as package data; the rules themselves are the YAML files here.
