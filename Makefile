# Convenience targets; each one is a single command you can also run by hand.
PYTHON ?= python3

.PHONY: bench bundle smoke-bundle

# Run every benchmark in bench/ and print one table (figure, value, target, within target).
bench:
	$(PYTHON) -m bench.run_all

# Build the one-folder bundle into packaging/dist/companion.
bundle:
	PYTHON=$(PYTHON) packaging/build.sh

# Open the bundled app's window offscreen, wait for the first paint, exit 0.
smoke-bundle: bundle
	QT_QPA_PLATFORM=offscreen packaging/dist/companion/companion --smoke
