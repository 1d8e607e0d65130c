package io.fieldflash.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import javafx.scene.image.Image;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/** The window icon: the bitmaps made from icons/fieldflash.svg, every size loadable. */
@ExtendWith(ApplicationExtension.class)
class AppIconTest {
    @Start
    void start(Stage stage) {
        stage.show();
    }

    @Test
    void everyIconSizeLoadsAtItsSize() {
        List<Image> icons = FieldFlashApp.icons();
        assertThat(icons).extracting(Image::isError).containsOnly(false);
        assertThat(icons).extracting(Image::getWidth).containsExactly(16.0, 32.0, 48.0, 64.0, 128.0, 256.0);
    }
}
