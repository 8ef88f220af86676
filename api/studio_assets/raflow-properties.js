// The properties panel's "raflow" group on user tasks: the form key, the letter and the instructions that
// raflow reads from spiffworkflow extension elements (engine/lint.py, engine/letter_lint.py, engine/runtime.py).
// Every edit is one command on the modeler's command stack, so undo works and the XML textarea follows.
// Form key and Letter are lists of what the draft has (its forms, its [letters.kinds]; the page hands them
// over as JSON in #studio-choices), so a policy analyst picks a form instead of typing its file name.
import {
  Group, SelectEntry, TextAreaEntry, isSelectEntryEdited, isTextAreaEntryEdited,
} from '@bpmn-io/properties-panel';
import { jsx } from '@bpmn-io/properties-panel/preact/jsx-runtime';
import { useService } from 'bpmn-js-properties-panel';
import { is, getBusinessObject } from 'bpmn-js/lib/util/ModelUtil';

function extensionOf(bo, type) {
  const ext = bo.get('extensionElements');
  return ext ? (ext.get('values') || []).find((v) => is(v, type)) : undefined;
}

function propertyValue(element, name) {
  const props = extensionOf(getBusinessObject(element), 'spiffworkflow:Properties');
  const prop = props && (props.get('values') || []).find((p) => p.get('name') === name);
  return prop ? prop.get('value') || '' : '';
}

// Commands that make sure bo has extensionElements (returned with them), one command list for one undo step.
function ensureExtensions(element, bo, bpmnFactory, commands) {
  let ext = bo.get('extensionElements');
  if (!ext) {
    ext = bpmnFactory.create('bpmn:ExtensionElements', { values: [] });
    ext.$parent = bo;
    commands.push({ cmd: 'element.updateModdleProperties',
      context: { element, moddleElement: bo, properties: { extensionElements: ext } } });
  }
  return ext;
}

function addTo(element, ext, child, commands) {
  child.$parent = ext;
  commands.push({ cmd: 'element.updateModdleProperties',
    context: { element, moddleElement: ext, properties: { values: [...(ext.get('values') || []), child] } } });
}

function setProperty(element, name, value, bpmnFactory, commandStack) {
  const bo = getBusinessObject(element);
  const text = (value || '').trim();
  if (!text && !propertyValue(element, name)) { return; }  // nothing to clear: no empty elements made
  const commands = [];
  const ext = ensureExtensions(element, bo, bpmnFactory, commands);
  let props = extensionOf(bo, 'spiffworkflow:Properties');
  if (!props) {
    props = bpmnFactory.create('spiffworkflow:Properties', { values: [] });
    addTo(element, ext, props, commands);
  }
  const values = props.get('values') || [];
  const prop = values.find((p) => p.get('name') === name);
  if (prop && !text) {
    commands.push({ cmd: 'element.updateModdleProperties',
      context: { element, moddleElement: props, properties: { values: values.filter((p) => p !== prop) } } });
  } else if (prop) {
    commands.push({ cmd: 'element.updateModdleProperties',
      context: { element, moddleElement: prop, properties: { value: text } } });
  } else if (text) {
    const created = bpmnFactory.create('spiffworkflow:Property', { name, value: text });
    created.$parent = props;
    commands.push({ cmd: 'element.updateModdleProperties',
      context: { element, moddleElement: props, properties: { values: [...values, created] } } });
  }
  if (commands.length) { commandStack.execute('properties-panel.multi-command-executor', commands); }
}

function setInstructions(element, value, bpmnFactory, commandStack) {
  const bo = getBusinessObject(element);
  if (!value && !extensionOf(bo, 'spiffworkflow:InstructionsForEndUser')) { return; }
  const commands = [];
  const ext = ensureExtensions(element, bo, bpmnFactory, commands);
  const current = extensionOf(bo, 'spiffworkflow:InstructionsForEndUser');
  if (current && !value) {
    commands.push({ cmd: 'element.updateModdleProperties',
      context: { element, moddleElement: ext, properties: { values: ext.get('values').filter((v) => v !== current) } } });
  } else if (current) {
    commands.push({ cmd: 'element.updateModdleProperties',
      context: { element, moddleElement: current, properties: { value } } });
  } else if (value) {
    addTo(element, ext, bpmnFactory.create('spiffworkflow:InstructionsForEndUser', { value }), commands);
  }
  if (commands.length) { commandStack.execute('properties-panel.multi-command-executor', commands); }
}

function draftChoices() {
  const el = document.getElementById('studio-choices');
  try { return (el && JSON.parse(el.textContent)) || {}; } catch (e) { return {}; }
}

// The options of a list: none first, then the draft's; a value the draft lacks stays listed (and says so),
// so opening a diagram never changes it behind the analyst's back.
function choicesWith(current, items, none) {
  const options = [{ value: '', label: none }, ...items];
  if (current && !items.some((o) => o.value === current)) {
    options.push({ value: current, label: `${current} (not in this draft)` });
  }
  return options;
}

function ChoiceEntry(name, label, description, itemsOf, none) {
  return function Entry({ element, id }) {
    const bpmnFactory = useService('bpmnFactory');
    const commandStack = useService('commandStack');
    return jsx(SelectEntry, {
      element, id, label, description,
      getValue: () => propertyValue(element, name),
      setValue: (value) => setProperty(element, name, value, bpmnFactory, commandStack),
      getOptions: () => choicesWith(propertyValue(element, name), itemsOf(draftChoices()), none),
    });
  };
}

const FormKey = ChoiceEntry('formKey', 'Form key', 'The form this step shows (forms/ of the draft).',
  (c) => (c.forms || []).map((f) => ({ value: f, label: f })), '(no form)');
const Letter = ChoiceEntry('letter', 'Letter', 'The letter issued at this step ([letters.kinds]); none for no letter.',
  (c) => (c.letters || []).map((l) => ({ value: l.value, label: `${l.title} (${l.value})` })), '(no letter)');

function Instructions({ element, id }) {
  const bpmnFactory = useService('bpmnFactory');
  const commandStack = useService('commandStack');
  const debounce = useService('debounceInput');
  return jsx(TextAreaEntry, {
    element, id, label: 'Instructions', debounce, rows: 6,
    getValue: () => {
      const node = extensionOf(getBusinessObject(element), 'spiffworkflow:InstructionsForEndUser');
      return node ? node.get('value') || '' : '';
    },
    setValue: (value) => setInstructions(element, value, bpmnFactory, commandStack),
  });
}

class RaflowPropertiesProvider {
  constructor(propertiesPanel) { propertiesPanel.registerProvider(500, this); }

  getGroups(element) {
    return (groups) => {
      if (!is(element, 'bpmn:UserTask')) { return groups; }
      const group = {
        id: 'raflow', label: 'raflow', component: Group,
        entries: [
          { id: 'raflow-formKey', component: FormKey, isEdited: isSelectEntryEdited },
          { id: 'raflow-letter', component: Letter, isEdited: isSelectEntryEdited },
          { id: 'raflow-instructions', component: Instructions, isEdited: isTextAreaEntryEdited },
        ],
      };
      const at = groups.findIndex((g) => g.id === 'general');
      groups.splice(at + 1, 0, group);
      return groups;
    };
  }
}
RaflowPropertiesProvider.$inject = ['propertiesPanel'];

export default { __init__: ['raflowPropertiesProvider'], raflowPropertiesProvider: ['type', RaflowPropertiesProvider] };
