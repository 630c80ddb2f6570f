from madini.cli import main

main()
