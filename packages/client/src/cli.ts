#!/usr/bin/env node
import { createProgram, runCli } from "./cli/program";

process.exitCode = await runCli(createProgram(), process.argv);
