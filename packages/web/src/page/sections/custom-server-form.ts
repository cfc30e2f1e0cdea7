import type { DaemonApi } from '../api/daemon-api.js'
import { ApiError, errorMessage } from '../api/errors.js'
import { h } from '../dom/h.js'
import { shortHex } from '../format/format.js'
import { valueOf } from '../state/loadable.js'
import type { PageStore } from '../state/page-store.js'
import type { Refresher } from '../state/refresher.js'
import { setFieldError } from '../ui/field-error.js'
import { checkServerAddress } from './check-server-address.js'

/** What the custom server form works with. */
export interface CustomServerFormComponents {
  readonly store: PageStore
  readonly api: DaemonApi
  readonly refresher: Refresher
}

/** The fields of the form, by the names the daemon's errors use in `field`. */
type FieldName = 'kind' | 'address'

/** Daemon errors about the address when the answer names no field (older daemons). */
const ADDRESS_ERRORS = new Set(['InvalidEnrError', 'InvalidEnrSignatureError', 'InvalidMultiaddrError', 'InvalidPeerIdError', 'InvalidPublicKeyError', 'CustomServerExistsError'])
/** Daemon errors about the kind when the answer names no field. */
const KIND_ERRORS = new Set(['UnknownResourceKindError', 'KindNotWatchedError', 'InvalidResourceKindError'])

/**
 * The form that adds a custom server: a kind and the server's ENR, sent to
 * `POST v1/custom-servers`. Obvious mistakes are caught before sending; the
 * daemon's own refusal is shown next to the field it names (`field` of its
 * error body), or under the form when it names none.
 */
export function customServerForm (components: CustomServerFormComponents): HTMLFormElement {
  const { store, api, refresher } = components
  const kindSelect = h('select', { id: 'custom-kind', name: 'kind', class: 'input', required: true })
  const kindError = h('p', { id: 'custom-kind-error', class: 'field-error', role: 'alert' })
  const address = h('textarea', {
    id: 'custom-address',
    name: 'address',
    class: 'input input--mono',
    rows: 3,
    required: true,
    spellcheck: 'false',
    autocomplete: 'off',
    autocapitalize: 'off',
    'aria-describedby': 'custom-address-hint',
    placeholder: 'enr:-IS4Q…'
  })
  const addressError = h('p', { id: 'custom-address-error', class: 'field-error', role: 'alert' })
  const submit = h('button', { type: 'submit', class: 'button button--primary' }, 'Add server')
  const status = h('p', { class: 'action-status', role: 'status' })
  const formError = h('p', { id: 'custom-form-error', class: 'action-error', role: 'alert' })
  const form = h('form', { class: 'card form', novalidate: true, 'aria-labelledby': 'custom-form-heading' },
    h('h3', { id: 'custom-form-heading' }, 'Add a server'),
    h('div', { class: 'field' },
      h('label', { for: 'custom-kind' }, 'Kind'),
      kindSelect,
      kindError),
    h('div', { class: 'field' },
      h('label', { for: 'custom-address' }, 'Server ENR'),
      h('p', { id: 'custom-address-hint', class: 'hint' },
        'The server\'s node record, starting with ', h('code', {}, 'enr:'), '. ',
        h('code', {}, 'rdisc serve'), ' prints it when the server starts.'),
      address,
      addressError),
    h('div', { class: 'form__actions' }, submit, status),
    formError)

  const fields: Record<FieldName, { readonly control: HTMLSelectElement | HTMLTextAreaElement, readonly error: HTMLElement }> = {
    kind: { control: kindSelect, error: kindError },
    address: { control: address, error: addressError }
  }
  const showError = (field: FieldName | undefined, message: string): void => {
    if (field === undefined) {
      formError.textContent = message
      return
    }
    setFieldError(fields[field].control, fields[field].error, message)
    fields[field].control.focus()
  }
  const clearErrors = (): void => {
    setFieldError(kindSelect, kindError, undefined)
    setFieldError(address, addressError, undefined)
    formError.textContent = ''
  }
  address.addEventListener('input', () => {
    if (address.hasAttribute('aria-invalid')) {
      setFieldError(address, addressError, undefined)
    }
  })
  kindSelect.addEventListener('change', () => { setFieldError(kindSelect, kindError, undefined) })
  let submitting = false
  let noKinds = true
  const updateSubmit = (): void => { submit.disabled = submitting || noKinds }

  form.addEventListener('submit', (event) => {
    event.preventDefault()
    clearErrors()
    status.textContent = ''
    const kind = kindSelect.value
    const value = address.value.trim()
    const problem = checkServerAddress(value)
    if (kind === '') {
      showError('kind', 'Choose the kind of server this is.')
      return
    }
    if (problem !== undefined) {
      showError('address', problem)
      return
    }
    submitting = true
    updateSubmit()
    status.textContent = 'Adding the server…'
    api.addCustomServer({ kind, address: value }).then(({ server, created }) => {
      address.value = ''
      status.textContent = created
        ? `Added server ${shortHex(server.nodeId)} to ${server.kind}. It is trusted from now on.`
        : `Server ${shortHex(server.nodeId)} was already a custom server of ${server.kind}.`
      refresher.request('custom-servers', 'kinds', `resources:${server.kind}`)
    }, (err: unknown) => {
      status.textContent = ''
      showError(fieldOf(err), `Could not add the server: ${errorMessage(err)}`)
    }).finally(() => {
      submitting = false
      updateSubmit()
    })
  })

  const renderKinds = (): void => {
    const kinds = valueOf(store.kinds)
    const names = kinds?.map((kind) => kind.name) ?? []
    const shown = [...kindSelect.options].map((option) => option.value)
    if (kinds !== undefined && names.join('\n') === shown.join('\n')) {
      return
    }
    const chosen = kindSelect.value
    kindSelect.replaceChildren(...(kinds === undefined
      ? [h('option', { value: '', disabled: true, selected: true }, 'Loading kinds…')]
      : names.map((name) => h('option', { value: name, selected: name === chosen }, name))))
    noKinds = kinds === undefined || names.length === 0
    updateSubmit()
  }
  renderKinds()
  store.subscribe(['kinds'], renderKinds)
  return form
}

/** The form field an error of the daemon is about, if any. */
function fieldOf (err: unknown): FieldName | undefined {
  if (!(err instanceof ApiError)) {
    return undefined
  }
  if (err.field !== undefined) {
    // a field by name, or a path into one: `address`, `kind/0`
    const field = err.field.split('/')[0]
    return field === 'address' || field === 'kind' ? field : undefined
  }
  return ADDRESS_ERRORS.has(err.error) ? 'address' : KIND_ERRORS.has(err.error) ? 'kind' : undefined
}
