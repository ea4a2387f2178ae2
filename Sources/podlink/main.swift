print("podlink")
