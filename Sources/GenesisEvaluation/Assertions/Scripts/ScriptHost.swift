/// The fixed programs that run an assertion's code in `node` or `python3`. Each reads one JSON
/// request on standard input, `{code, isBody, file, function, output, context}`, calls the
/// author's function as `(output, context)`, and writes one line after everything the code
/// printed: ``marker`` then `{"result": ...}`, `{"undefined": true}` or `{"error": "..."}`.
/// Data never becomes code: the output and the variables arrive as JSON values.
enum ScriptHost {
    /// Starts the line that carries the reply (record separators around a name).
    static let marker = "\u{1E}genesis-script-result\u{1E}"

    static func program(for language: ScriptLanguage) -> String {
        language == .javascript ? node : python
    }

    static let node = #"""
        'use strict';
        const fs = require('fs');
        const { pathToFileURL } = require('url');
        const MARKER = '\x1egenesis-script-result\x1e';
        globalThis.require = require;
        function finish(reply) {
          let line;
          try { line = JSON.stringify(reply); } catch (e) { line = JSON.stringify({ error: 'the result cannot be written as JSON: ' + e.message }); }
          process.stdout.write('\n' + MARKER + line + '\n', () => process.exit(0));
        }
        function describe(e) { return e instanceof Error ? (e.name + ': ' + e.message) : ('threw ' + String(e)); }
        (async () => {
          const request = JSON.parse(fs.readFileSync(0, 'utf8'));
          let check;
          if (request.file) {
            const loaded = await import(pathToFileURL(request.file).href);
            const exported = loaded.default;
            const candidates = request.function
              ? [loaded[request.function], exported && exported[request.function]]
              : [exported, exported && exported.default];
            check = candidates.find((f) => typeof f === 'function');
            if (!check) {
              return finish({ error: request.function
                ? request.file + ' exports no function named ' + request.function
                : request.file + ' exports no function; write module.exports = (output, context) => ..., or export default' });
            }
          } else {
            // An expression, unless it has a return statement or is not an expression at all
            // (statements such as throw or while): then it is a function body.
            if (!request.isBody) {
              try { check = new Function('output', 'context', 'return (\n' + request.code + '\n);'); } catch (e) {
                if (!(e instanceof SyntaxError)) throw e;
              }
            }
            if (!check) check = new Function('output', 'context', request.code);
          }
          const result = await check(request.output, request.context);
          finish(result === undefined ? { undefined: true } : { result });
        })().catch((e) => finish({ error: describe(e) }));
        """#

    /// The custom Nunjucks filters' program (``CustomFilters``): reads `{calls: [{name, file,
    /// value, args}]}`, calls each file's exported function as `(value, ...args)`, and replies
    /// as the assertion program does, its `result` one `{result}` or `{error}` a call.
    static let filters = #"""
        'use strict';
        const fs = require('fs');
        const { pathToFileURL } = require('url');
        const MARKER = '\x1egenesis-script-result\x1e';
        globalThis.require = require;
        function finish(reply) {
          let line;
          try { line = JSON.stringify(reply); } catch (e) { line = JSON.stringify({ error: 'the result cannot be written as JSON: ' + e.message }); }
          process.stdout.write('\n' + MARKER + line + '\n', () => process.exit(0));
        }
        function describe(e) { return e instanceof Error ? (e.name + ': ' + e.message) : ('threw ' + String(e)); }
        (async () => {
          const request = JSON.parse(fs.readFileSync(0, 'utf8'));
          const loaded = new Map();
          const results = [];
          for (const call of request.calls) {
            try {
              if (!loaded.has(call.file)) loaded.set(call.file, await import(pathToFileURL(call.file).href));
              const module = loaded.get(call.file);
              const filter = [module.default, module.default && module.default.default, module[call.name]].find((f) => typeof f === 'function');
              if (!filter) { results.push({ error: call.file + ' exports no function; write module.exports = (value, ...args) => ...' }); continue; }
              const result = await filter(call.value, ...call.args);
              results.push({ result: result === undefined ? null : result });
            } catch (e) {
              results.push({ error: describe(e) });
            }
          }
          finish({ result: results });
        })().catch((e) => finish({ error: describe(e) }));
        """#

    static let python = #"""
        import dataclasses, importlib.util, json, math, os, re, sys, textwrap
        MARKER = '\x1egenesis-script-result\x1e'
        def finish(reply):
            try:
                line = json.dumps(reply, allow_nan=False)
            except (TypeError, ValueError) as e:
                line = json.dumps({'error': 'the result cannot be written as JSON: %s' % e})
            sys.stdout.write('\n' + MARKER + line + '\n')
            sys.stdout.flush()
        def main():
            request = json.loads(sys.stdin.buffer.read().decode('utf-8'))
            output, context = request['output'], request['context']
            if request.get('file'):
                path = request['file']
                sys.path.insert(0, os.path.dirname(path))
                spec = importlib.util.spec_from_file_location('genesis_assertion', path)
                module = importlib.util.module_from_spec(spec)
                spec.loader.exec_module(module)
                name = request.get('function') or 'get_assert'
                check = getattr(module, name, None)
                if not callable(check):
                    return finish({'error': '%s has no function %s(output, context)' % (path, name)})
                result = check(output, context)
            else:
                scope = {'json': json, 'math': math, 're': re, 'output': output, 'context': context}
                # An expression, unless it has a return statement or is not an expression at all
                # (statements such as raise or import): then it is a function body.
                expression = None
                if not request['isBody']:
                    try:
                        expression = compile(request['code'].strip(), '<python assertion>', 'eval')
                    except SyntaxError:
                        pass
                if expression is not None:
                    result = eval(expression, scope)
                else:
                    source = 'def _genesis_check(output, context):\n' + textwrap.indent(textwrap.dedent(request['code']), '    ')
                    exec(compile(source, '<python assertion>', 'exec'), scope)
                    result = scope['_genesis_check'](output, context)
            if dataclasses.is_dataclass(result) and not isinstance(result, type):
                result = dataclasses.asdict(result)
            finish({'undefined': True} if result is None else {'result': result})
        try:
            main()
        except BaseException as e:
            finish({'error': '%s: %s' % (type(e).__name__, e)})
        """#
}
