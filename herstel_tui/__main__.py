from herstel_tui.entry import main

main()
