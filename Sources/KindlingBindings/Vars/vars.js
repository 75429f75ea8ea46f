// JSON vars reach the worker as JSON.parse gives them (key order kept), through this hidden
// global factory, which VarBinding's ScriptArgument calls once per var.
Object.defineProperty(globalThis, "__kindlingParseJSONVar", { value: (text) => JSON.parse(text) });
