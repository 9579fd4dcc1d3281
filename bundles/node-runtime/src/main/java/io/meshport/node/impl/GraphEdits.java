package io.meshport.node.impl;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;
import io.meshport.support.Log;

/**
 * Makes the changes users ask for, one at a time, each saved before it is acknowledged and undone when
 * it cannot be; and restores the saved graph at start.
 *
 * <p>Locking: the edit lock is held for the whole of a change: applied to the model (under the graph
 * lock, for a short step), saved outside the graph lock (readers and cooks are not held up by the
 * disk), and undone under the graph lock if the save failed, the caller getting {@code CALL_FAILED}
 * that says why. It is taken before the graph lock, and never together with the cook lock: cooking
 * changes nothing that is saved.
 */
final class GraphEdits {
    private final GraphModel model;
    private final GraphFile file;
    private final Log log;
    /** Held for the whole of a change that is saved: apply, save, and undo if the save failed. */
    private final Object edits = new Object();

    /**
     * @param model the graph
     * @param file where the graph is saved and loaded from, or null to keep it in memory only
     * @param log where to report
     */
    GraphEdits(GraphModel model, GraphFile file, Log log) {
        this.model = model;
        this.file = file;
        this.log = log;
    }

    /** Puts back the graph of the newest usable save, if there is a file. */
    void restore() {
        if (file == null) {
            return;
        }
        GraphFile.Loaded loaded = file.load(model::parmType);
        model.restore(loaded.nodes());
        int count = loaded.nodes().size();
        if (loaded.source() != null) {
            log.info("restored " + count + " node" + (count == 1 ? "" : "s") + " from " + loaded.source());
        }
    }

    /** @see io.meshport.node.NodeGraph#create */
    String create(String parent, String type, String name) {
        synchronized (edits) {
            GraphModel.Change change = model.add(parent, type, name);
            save(change);
            String path = change.paths().get(0);
            log.info("created " + path + " (" + type + ")");
            return path;
        }
    }

    /** @see io.meshport.node.NodeGraph#delete */
    void delete(String path) {
        synchronized (edits) {
            GraphModel.Change change = model.remove(path);
            save(change);
            log.info("deleted " + String.join(", ", change.paths()));
        }
    }

    /** @see io.meshport.node.NodeGraph#setParm */
    void setParm(String path, String name, Object value) {
        synchronized (edits) {
            save(model.setParm(path, name, value));
        }
    }

    /** @see io.meshport.node.NodeGraph#setInput */
    void setInput(String path, int index, String source) {
        synchronized (edits) {
            save(model.setInput(path, index, source));
        }
    }

    /** @see io.meshport.node.NodeGraph#setAutoCook */
    void setAutoCook(String path, boolean on) {
        synchronized (edits) {
            save(model.setAutoCook(path, on));
        }
    }

    /**
     * Saves the graph after a change (the edit lock held), or undoes the change and throws: a change that
     * is not on disk is not acknowledged, and not kept.
     *
     * @param change the change just made, or null when nothing changed (nothing to save)
     */
    private void save(GraphModel.Change change) {
        if (change == null || file == null) {
            return;
        }
        List<GraphFormat.Saved> saved = model.saved();
        try {
            file.save(saved);
        } catch (IOException | RuntimeException e) {
            model.undo(change);
            String failure = file.failure(e);
            log.error(failure + ": the change was undone", null);
            throw new MeshportException(ErrorCode.CALL_FAILED, failure + ", so the change was not made", Map.of("file", file.path().toString()));
        }
    }
}
