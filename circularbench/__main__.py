from circularbench.cli import app

app(prog_name="circularbench")
