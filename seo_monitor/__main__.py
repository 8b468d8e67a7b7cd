from seo_monitor.app.cli import main

main()
