package io.fieldflash.ui.common;

import java.util.List;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.control.ScrollPane;

/** Scrolls a page so that what the person acts on and what answers them are on screen together. */
public final class Reveal {
    private Reveal() {}

    /**
     * Scrolls {@code scroll} the least that shows all of {@code nodes} (those shown at all); when they do not fit
     * together, their top is shown. Nodes outside the scroll pane's content are ignored.
     */
    public static void inView(ScrollPane scroll, List<? extends Node> nodes) {
        Node content = scroll.getContent();
        if (content == null) return;
        double top = Double.POSITIVE_INFINITY, bottom = Double.NEGATIVE_INFINITY;
        for (Node n : nodes) {
            if (!shown(n) || !inside(content, n)) continue;
            Bounds b = content.sceneToLocal(n.localToScene(n.getLayoutBounds()));
            top = Math.min(top, b.getMinY());
            bottom = Math.max(bottom, b.getMaxY());
        }
        if (top == Double.POSITIVE_INFINITY) return;
        double total = content.getLayoutBounds().getHeight();
        double view = scroll.getViewportBounds().getHeight();
        if (total <= view || view <= 0) return;
        double y = scroll.getVvalue() * (total - view);
        if (bottom - top > view || top < y) y = top;
        else if (bottom > y + view) y = bottom - view;
        scroll.setVvalue(Math.clamp(y / (total - view), 0, 1));
    }

    /** True when {@code n} takes part in the layout and it and all its parents are visible. */
    public static boolean shown(Node n) {
        if (!n.isManaged()) return false;
        for (Node p = n; p != null; p = p.getParent()) {
            if (!p.isVisible()) return false;
        }
        return n.getScene() != null;
    }

    private static boolean inside(Node ancestor, Node n) {
        for (Node p = n; p != null; p = p.getParent()) {
            if (p == ancestor) return true;
        }
        return false;
    }
}
