from qualitymonth.cli import main

main()
