import { CliError } from "@/lib/cli/errors";

// Hidden terminal input for passwords. Raw mode means we see every key and echo nothing;
// the prompt goes to stderr so stdout stays clean for anything piping the command's output.

const ENTER = new Set(["\r", "\n"]);
const CTRL_C = "\u0003";
const CTRL_D = "\u0004";
const BACKSPACE = new Set(["\u007f", "\b"]);
const ESC = "\u001b";

/** Reads one line from a TTY without echoing it. Ctrl-C (or Ctrl-D on an empty line) cancels with exit 130. */
export function readHiddenLine(
  question: string,
  input: NodeJS.ReadStream = process.stdin,
  output: NodeJS.WritableStream = process.stderr,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let value = "";
    const wasRaw = input.isRaw;

    const finish = (error?: Error) => {
      input.off("data", onData);
      input.setRawMode(wasRaw);
      input.pause(); // lets the process exit once the command is done
      output.write("\n");
      if (error) reject(error);
      else resolve(value);
    };

    const onData = (chunk: Buffer | string) => {
      const text = chunk.toString();
      // Arrow and function keys arrive as escape sequences; they are not part of a password.
      if (text.startsWith(ESC)) return;
      for (const char of text) {
        if (ENTER.has(char)) return finish();
        if (char === CTRL_C || (char === CTRL_D && value === "")) return finish(new CliError("Cancelled.", 130));
        if (BACKSPACE.has(char)) value = [...value].slice(0, -1).join("");
        else if (char >= " ") value += char;
      }
    };

    // Raw mode before the prompt: anything typed once the prompt shows must not echo.
    input.setRawMode(true);
    input.on("data", onData);
    input.resume();
    output.write(question);
  });
}
