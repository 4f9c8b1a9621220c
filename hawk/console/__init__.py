"""The console: a page where a signed-in person asks a question and watches the answer stream."""
