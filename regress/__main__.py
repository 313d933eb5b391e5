from regress.cli import run

run()
