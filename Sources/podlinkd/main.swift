print("podlinkd")
