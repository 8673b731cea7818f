from herstel_tui.cli.entry import main

main()
