package io.fieldflash.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldflash.ui.common.Reveal;
import java.util.ArrayList;
import java.util.List;
import javafx.geometry.BoundingBox;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Labeled;
import javafx.scene.control.ScrollPane;
import javafx.scene.text.Text;

/** The checks of the bounds tests: what a page's user must see lies in the visible part of its window. */
public final class VisibleBounds {
    private VisibleBounds() {}

    /**
     * The primary nodes of a scrolling page: its first primary button shown (style class {@code primary}), every
     * result shown (style class {@code primary-result}), and {@code extra} when shown.
     */
    public static List<Node> primaryOf(Parent page, Node... extra) {
        List<Node> primary = new ArrayList<>();
        page.lookupAll(".button.primary").stream().filter(Reveal::shown).findFirst().ifPresent(primary::add);
        page.lookupAll(".primary-result").stream().filter(Reveal::shown).forEach(primary::add);
        for (Node n : extra) if (n != null && Reveal.shown(n)) primary.add(n);
        return primary;
    }

    /**
     * Each of {@code nodes} lies inside the scene and, when it is in {@code scroll}'s content, inside its visible part;
     * and no label or button of {@code page} shows its text cut short.
     */
    public static void assertInView(String at, Scene scene, ScrollPane scroll, Parent page, List<Node> nodes) {
        assertThat(nodes).as(at + ": a primary button or result").isNotEmpty();
        Bounds window = new BoundingBox(0, 0, scene.getWidth(), scene.getHeight());
        Bounds viewport = scroll.localToScene(scroll.getLayoutBounds());
        for (Node n : nodes) {
            Bounds b = n.localToScene(n.getLayoutBounds());
            String what = at + ": " + (n.getId() != null ? "#" + n.getId() : n.getStyleClass().toString()) + " at " + b;
            assertThat(contains(window, b)).as(what + " inside the window " + window).isTrue();
            if (isInside(scroll.getContent(), n)) assertThat(contains(viewport, b)).as(what + " inside the visible page " + viewport).isTrue();
        }
        for (Node n : page.lookupAll(".labeled")) {
            if (n instanceof Labeled l && !(l instanceof javafx.scene.control.Cell<?>) && Reveal.shown(l) && !l.getText().isEmpty()
                    && l.lookup(".text") instanceof Text t) {
                String full = l.isMnemonicParsing() ? l.getText().replaceFirst("_(?=.)", "") : l.getText();
                assertThat(t.getText().replace("\n", " ").strip()).as(at + ": the text of " + l).isEqualTo(full.replace("\n", " ").strip());
            }
        }
    }

    private static boolean contains(Bounds outer, Bounds inner) {
        double slack = 0.5;
        return inner.getMinX() >= outer.getMinX() - slack && inner.getMinY() >= outer.getMinY() - slack
                && inner.getMaxX() <= outer.getMaxX() + slack && inner.getMaxY() <= outer.getMaxY() + slack;
    }

    private static boolean isInside(Node ancestor, Node n) {
        for (Node p = n; p != null; p = p.getParent()) if (p == ancestor) return true;
        return false;
    }

    /**
     * Every primary button shown in {@code scene} lies inside it and, when it is in a scroll pane, inside that pane's
     * visible part (for the wizard's own windows: settings, configure, depot).
     */
    public static void assertPrimaryButtonsInView(String at, Scene scene) {
        List<Node> buttons = scene.getRoot().lookupAll(".button.primary").stream().filter(Reveal::shown).toList();
        assertThat(buttons).as(at + ": a primary button").isNotEmpty();
        Bounds window = new BoundingBox(0, 0, scene.getWidth(), scene.getHeight());
        for (Node n : buttons) {
            Bounds b = n.localToScene(n.getLayoutBounds());
            String what = at + ": #" + n.getId() + " at " + b;
            assertThat(contains(window, b)).as(what + " inside the window " + window).isTrue();
            for (Node p = n.getParent(); p != null; p = p.getParent()) {
                if (p instanceof ScrollPane sp) {
                    assertThat(contains(sp.localToScene(sp.getLayoutBounds()), b)).as(what + " inside the visible part of its page").isTrue();
                    break;
                }
            }
        }
    }
}
