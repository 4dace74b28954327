from migprofile.cli import run

run()
