'use strict';
// The admin's autocomplete boxes (select2) show their choice in a span with role="textbox"
// and no name: a screen reader announced an unnamed field (axe: aria-input-field-name). Each
// gets its field's label: the <label for> of the select, or its aria-label in a tabular
// inline (projects/admin.py LabelledInlineFormSet). select2 never touches aria-label.
{
    const nameAll = () => {
        document.querySelectorAll('select.admin-autocomplete').forEach((select) => {
            const shown = document.getElementById(`select2-${select.id}-container`);
            const label = document.querySelector(`label[for="${select.id}"]`);
            const name = select.getAttribute('aria-label') || label?.textContent.replace(/:\s*$/, '');
            if (shown && name) {
                shown.setAttribute('aria-label', name.trim());
            }
        });
    };
    // After Django's autocomplete.js has set select2 up in its own ready handler (jQuery runs
    // ready handlers one timer each, in order), and after a row is added.
    django.jQuery(() => setTimeout(nameAll));
    document.addEventListener('formset:added', () => setTimeout(nameAll));
}
