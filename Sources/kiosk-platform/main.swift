print("kiosk-platform: not built yet")
