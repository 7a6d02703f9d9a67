"""The command line's subcommands, one module each; ``companion.cli`` dispatches to them."""
