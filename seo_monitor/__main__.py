from seo_monitor.cli import main

main()
