KioskBench.main()
