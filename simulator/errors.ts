// Magento's error body: {"message": "...", "parameters": [...] | {...}} with %1 / %name
// placeholders the client fills in itself (ErrorProcessor, shared/magento/README "Error body").

export type ErrorParameters = string[] | Record<string, string | number>;

export class MagentoError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly parameters?: ErrorParameters,
    readonly errors?: { message: string; parameters?: ErrorParameters }[],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    const out: Record<string, unknown> = { message: this.message };
    if (this.errors) out.errors = this.errors;
    if (this.parameters !== undefined) out.parameters = this.parameters;
    return out;
  }
}

export const MESSAGES = {
  noRoute: "Request does not match any route.",
  entityMissing: "The entity that was requested doesn't exist. Verify the entity and try again.",
  noSuchEntity: "No such entity with %fieldName = %fieldValue",
  requiredField: "%fieldName is a required field.",
  requiredInput: '"%fieldName" is required. Enter and try again.',
  invalidType: 'The "%value" value\'s type is invalid. The "%type" type was expected. Verify and try again.',
  productMissing: "The product that was requested doesn't exist. Verify the product and try again.",
  unauthorized: "The consumer isn't authorized to access %resources.",
  signIn: "The account sign-in was incorrect or your account is disabled temporarily. Please wait and try again later.",
  decoding: "Decoding error.",
  internal: "Internal Error. Details are available in Magento log file. Report ID: webapi-%1",
} as const;

export const noSuchEntity = (fieldName: string, fieldValue: string | number) =>
  new MagentoError(404, MESSAGES.noSuchEntity, { fieldName, fieldValue: String(fieldValue) });

export const entityMissing = () => new MagentoError(404, MESSAGES.entityMissing);

export const requiredField = (fieldName: string) => new MagentoError(400, MESSAGES.requiredField, { fieldName });

export const requiredInput = (fieldName: string) => new MagentoError(400, MESSAGES.requiredInput, { fieldName });

export const invalidType = (value: string, type: string) => new MagentoError(400, MESSAGES.invalidType, { value, type });

/** Several input errors at once, as Magento's InputException aggregates them. */
export function inputErrors(errors: MagentoError[]): MagentoError {
  if (errors.length === 1) return errors[0]!;
  return new MagentoError(
    400,
    "One or more input exceptions have occurred.",
    undefined,
    errors.map((e) => ({ message: e.message, ...(e.parameters !== undefined ? { parameters: e.parameters } : {}) })),
  );
}
