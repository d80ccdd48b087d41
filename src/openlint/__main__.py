from openlint.cli import console

console()
