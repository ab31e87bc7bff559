# Host unit tests: one binary per module, cmocka. (placeholder)
test-unit:
	@echo "no unit tests yet"
