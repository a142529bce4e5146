import GenesisCLI

await GenesisCommand.runMain()
