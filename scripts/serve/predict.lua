-- wrk request: one IMDB-like review per TEI POST /predict (the common online case).
-- wrk counts non-2xx answers itself ("Non-2xx or 3xx responses"); none should appear.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"inputs": "I rented this movie on a friend\'s advice and I am glad I did. The acting is honest, the story takes its time without dragging, and the ending stayed with me for days. A few scenes in the middle are slow and the music is too loud, but the two leads carry it. Not perfect, but one of the better films I have seen this year.", "truncate": true}'
