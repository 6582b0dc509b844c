/*
 * Field error messages a person can act on, for the rules whose defaults say only "invalid".
 */
import vine, { SimpleMessagesProvider } from '@vinejs/vine'

vine.messagesProvider = new SimpleMessagesProvider({
  'required': 'The {{ field }} field is required',
  'email': 'Enter a valid email address',
  'minLength': 'The {{ field }} field must have at least {{ min }} characters',
  'maxLength': 'The {{ field }} field must not be longer than {{ max }} characters',
  'enum': 'The {{ field }} field must be one of: {{ choices }}',
  'database.unique': 'The {{ field }} is already taken',
  'slug.regex': 'Use 3 to 40 lowercase letters, digits or hyphens, starting with a letter',
  'slug.notIn': 'This address is reserved; choose another',
  'slug.database.unique': 'This address is already taken',
  'contactPhone.regex': 'Enter a mainland China mobile number (11 digits)',
  'phone.regex': 'Enter a mainland China mobile number (11 digits)',
  'password.regex': 'The password must contain both letters and digits',
  'password.notIn': 'This password is too common',
  'key.regex': 'Use 2 to 40 lowercase letters, digits or underscores, starting with a letter',
  'code.regex': 'Enter the 6-digit code from your authenticator app',
})
