// The trainer's API takes and returns ZooData types (`DataSource`, `Dataset`, `SkipLog`), so a
// module that imports ZooTrain sees them without a second import.
@_exported import ZooData
