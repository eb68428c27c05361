from ghcommunity.cli import main

main()
