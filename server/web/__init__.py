"""HTTP: request reading, sessions, messages in the reader's language, pages and the API."""
