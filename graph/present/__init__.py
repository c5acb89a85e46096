"""What people see: the HTML page, exports, the notebook magic, the SPARQL endpoint and its page."""
