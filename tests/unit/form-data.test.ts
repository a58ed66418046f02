import { describe, expect, it } from "vitest";
import { readForm } from "@/lib/http/form-data";

function form(entries: [string, string | Blob][]): FormData {
  const data = new FormData();
  for (const [key, value] of entries) data.append(key, value);
  return data;
}

describe("readForm: a posted form as the object server actions validate", () => {
  it("gives one value as a string and a repeated name as its values in order", () => {
    expect(
      readForm(
        form([
          ["name", "Main store"],
          ["cartIds", "3"],
          ["cartIds", "1"],
          ["cartIds", "2"],
        ]),
      ),
    ).toEqual({
      name: "Main store",
      cartIds: ["3", "1", "2"],
    });
  });

  it("leaves out files and Next's own $ACTION fields", () => {
    const read = readForm(
      form([
        ["$ACTION_ID_abc", ""],
        ["$ACTION_REF_1", "x"],
        ["upload", new Blob(["x"])],
        ["note", "hi"],
      ]),
    );
    expect(read).toEqual({ note: "hi" });
  });

  it("reads a field named like an Object method as the field it is", () => {
    expect(
      readForm(
        form([
          ["constructor", "a"],
          ["toString", "b"],
        ]),
      ),
    ).toEqual({ constructor: "a", toString: "b" });
  });
});
