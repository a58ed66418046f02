import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseArgs, type ParseSpec } from "@/lib/cli/args";
import { defineCommand, option, readOptions } from "@/lib/cli/command";
import { UsageError } from "@/lib/cli/errors";

const spec: ParseSpec = {
  email: { takesValue: true, required: true },
  name: { takesValue: true },
  force: { takesValue: false },
};

/** Runs the parser expecting a UsageError and returns it. */
function usageError(tokens: string[], parseSpec: ParseSpec = spec): UsageError {
  try {
    parseArgs(tokens, parseSpec, "user:test");
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error("expected a UsageError");
}

describe("parseArgs", () => {
  it("reads `--name value` pairs and bare flags", () => {
    expect(parseArgs(["--email", "a@b.co", "--name", "Jane Doe", "--force"], spec)).toEqual({
      help: false,
      options: { email: "a@b.co", name: "Jane Doe", force: true },
    });
  });

  it("reads `--name=value`, keeping later `=` signs and empty values", () => {
    expect(parseArgs(["--email=a@b.co", "--name=x=y"], spec)).toEqual({
      help: false,
      options: { email: "a@b.co", name: "x=y" },
    });
    expect(parseArgs(["--email="], spec)).toEqual({ help: false, options: { email: "" } });
  });

  it("accepts a value that starts with a single dash", () => {
    expect(parseArgs(["--email", "a@b.co", "--name", "-dash"], spec)).toEqual({
      help: false,
      options: { email: "a@b.co", name: "-dash" },
    });
  });

  it("leaves optional options out when not given", () => {
    const result = parseArgs(["--email", "a@b.co"], spec);
    expect(result).toEqual({ help: false, options: { email: "a@b.co" } });
  });

  it("reports an option at the end without its value", () => {
    const error = usageError(["--email"]);
    expect(error.message).toBe("Option --email needs a value.");
    expect(error.command).toBe("user:test");
    expect(error.exitCode).toBe(2);
  });

  it("reports an option followed by another option instead of a value", () => {
    expect(usageError(["--email", "--name", "Jane"]).message).toBe("Option --email needs a value.");
  });

  it("rejects unknown options, in both spellings", () => {
    expect(usageError(["--email", "a@b.co", "--colour", "red"]).message).toBe("Unknown option --colour.");
    expect(usageError(["--colour=red", "--email", "a@b.co"]).message).toBe("Unknown option --colour.");
  });

  it("does not treat Object.prototype names as options", () => {
    expect(usageError(["--constructor", "x"]).message).toBe("Unknown option --constructor.");
  });

  it("rejects a value given to a flag", () => {
    expect(usageError(["--email", "a@b.co", "--force=yes"]).message).toBe("Option --force does not take a value.");
  });

  it("rejects repeated options", () => {
    expect(usageError(["--email", "a@b.co", "--email", "c@d.co"]).message).toBe("Option --email is given more than once.");
  });

  it("rejects stray words", () => {
    expect(usageError(["--email", "a@b.co", "extra"]).message).toMatch(/Unexpected argument "extra"/);
    expect(usageError(["-x"]).message).toMatch(/Unexpected argument "-x"/);
  });

  it("names every missing required option", () => {
    expect(usageError([]).message).toBe("Missing required option --email.");
    const two: ParseSpec = { email: { takesValue: true, required: true }, role: { takesValue: true, required: true } };
    expect(usageError([], two).message).toBe("Missing required options --email, --role.");
  });

  it("returns help for --help or -h anywhere, even on an otherwise broken line", () => {
    expect(parseArgs(["--help"], spec)).toEqual({ help: true });
    expect(parseArgs(["--bogus", "-h"], spec)).toEqual({ help: true });
  });
});

describe("readOptions", () => {
  const command = defineCommand({
    name: "thing:make",
    summary: "Make a thing.",
    options: {
      size: option.required(
        z
          .string()
          .regex(/^[1-9]\d*$/, { message: "Size must be a positive whole number." })
          .transform(Number),
        {
          placeholder: "n",
          description: "How big.",
        },
      ),
      secret: option.optional(z.string().min(5, { message: "Secret is too short." }), {
        placeholder: "secret",
        description: "A secret.",
        secret: true,
      }),
      dryRun: option.flag("Only pretend."),
    },
    examples: [],
    async run() {},
  });

  it("returns values transformed by each option's schema, flags as booleans", () => {
    expect(readOptions(command, ["--size", "3"])).toEqual({
      help: false,
      values: { size: 3, secret: undefined, dryRun: false },
    });
    expect(readOptions(command, ["--size=4", "--dryRun", "--secret", "hunter22"])).toEqual({
      help: false,
      values: { size: 4, secret: "hunter22", dryRun: true },
    });
  });

  it("turns a schema failure into a usage error naming the option and the value", () => {
    expect(() => readOptions(command, ["--size", "big"])).toThrow('Invalid --size "big": Size must be a positive whole number.');
  });

  it("never echoes a secret option's value", () => {
    try {
      readOptions(command, ["--size", "1", "--secret", "abc"]);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).message).toBe("Invalid --secret: Secret is too short.");
      expect((error as UsageError).command).toBe("thing:make");
    }
  });
});
