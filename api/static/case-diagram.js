// Draw the case diagram with bpmn-js (served from our own host) and mark done and current steps.
// The page lists the same steps as text, so nothing depends on this script.
(function () {
  'use strict';
  var box = document.getElementById('diagram');
  if (!box || typeof window.BpmnJS !== 'function') { return; }
  var done = JSON.parse(box.getAttribute('data-done') || '[]');
  var current = JSON.parse(box.getAttribute('data-current') || '[]');
  var viewer = new window.BpmnJS({ container: box.querySelector('.diagram-canvas') });
  fetch(box.getAttribute('data-xml-url'), { credentials: 'same-origin' })
    .then(function (response) {
      if (!response.ok) { throw new Error('diagram ' + response.status); }
      return response.text();
    })
    .then(function (xml) { return viewer.importXML(xml); })
    .then(function () {
      var canvas = viewer.get('canvas');
      var registry = viewer.get('elementRegistry');
      done.forEach(function (id) { if (registry.get(id)) { canvas.addMarker(id, 'rf-done'); } });
      current.forEach(function (id) { if (registry.get(id)) { canvas.addMarker(id, 'rf-current'); } });
      canvas.zoom('fit-viewport', 'auto');
      box.setAttribute('data-state', 'ready');
    })
    .catch(function () {
      box.setAttribute('data-state', 'failed');
      var note = document.createElement('p');
      note.textContent = 'The diagram could not be drawn; the list below shows the steps.';
      box.appendChild(note);
    });
}());
