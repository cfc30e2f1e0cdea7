/**
 * Shows `message` next to a form field, or clears it: the message goes into
 * the field's error element (a `role="alert"` paragraph that stays in the
 * page, so screen readers announce what is written into it), and the field
 * gets `aria-invalid` and points at the message first in `aria-describedby`.
 */
export function setFieldError (field: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement, errorElement: HTMLElement, message: string | undefined): void {
  errorElement.textContent = message ?? ''
  const others = (field.getAttribute('aria-describedby') ?? '').split(/\s+/).filter((id) => id !== '' && id !== errorElement.id)
  // the error first: it is what the user needs to hear before the field's hint
  const describedBy = message === undefined ? others : [errorElement.id, ...others]
  if (message === undefined) {
    field.removeAttribute('aria-invalid')
  } else {
    field.setAttribute('aria-invalid', 'true')
  }
  if (describedBy.length === 0) {
    field.removeAttribute('aria-describedby')
  } else {
    field.setAttribute('aria-describedby', describedBy.join(' '))
  }
}
