from serviceplan.cli import run

run()
