extension CatalogEntry {
    /// `baud` (the model's `serial.baud`, or a driver's default) when termios can set it, for the
    /// serial drivers' factories; otherwise a configuration error that names the model.
    public func settableSerialBaud(_ baud: Int) throws(DeviceError) -> Int {
        guard SerialPort.isSupported(baud: baud) else {
            throw DeviceError(code: .badCatalogEntry, action: .configuration,
                              detail: "model \(model): serial.baud \(baud) is not a rate termios sets")
        }
        return baud
    }
}
