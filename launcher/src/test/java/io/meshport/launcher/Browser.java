package io.meshport.launcher;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.function.IntPredicate;
import java.util.function.Supplier;

import javax.imageio.ImageIO;

import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through Debian's chromedriver (nothing is downloaded): WebGL runs
 * on SwiftShader, the CPU renderer. One browser serves all the tests of a class.
 */
final class Browser implements AutoCloseable {
    static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Paths.get("/usr/bin/chromedriver");

    final ChromeDriver driver;

    Browser(int width, int height) {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new IllegalStateException("the page's tests need Debian's chromium and chromium-driver: apt-get install chromium"
                    + " chromium-driver (.ci/run installs them)");
        }
        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM.toFile());
        o.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--enable-unsafe-swiftshader", "--use-angle=swiftshader",
                "--window-size=" + width + "," + height, "--hide-scrollbars", "--disable-extensions", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--metrics-recording-only",
                "--disable-default-apps", "--no-default-browser-check");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .usingAnyFreePort().build();
        driver = new ChromeDriver(service, o);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** Waits (at most {@code seconds}) until the condition holds; says what it waited for when it does not. */
    void await(String what, int seconds, Supplier<Boolean> condition) {
        // an element found a moment ago may have been re-rendered since: look again
        new WebDriverWait(driver, Duration.ofSeconds(seconds)).withMessage(() -> what).pollingEvery(Duration.ofMillis(50))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(d -> Boolean.TRUE.equals(condition.get()));
    }

    /** @return the version of {@code key} the page has shown on screen, or 0 */
    long shown(String key) {
        Object v = js("const s = window.meshport && window.meshport.stats.shown[arguments[0]]; return s ? s.version : 0;", key);
        return v == null ? 0 : ((Number) v).longValue();
    }

    BufferedImage screenshot() {
        try {
            return ImageIO.read(new ByteArrayInputStream(driver.getScreenshotAs(OutputType.BYTES)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return how many pixels of the image match the colour test (on 0xRRGGBB) */
    static int count(BufferedImage image, IntPredicate rgb) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if (rgb.test(image.getRGB(x, y) & 0xffffff)) {
                    n++;
                }
            }
        }
        return n;
    }

    static boolean reddish(int rgb) {
        int r = rgb >> 16 & 0xff, g = rgb >> 8 & 0xff, b = rgb & 0xff;
        return r > 90 && g < 50 && b < 50;
    }

    static boolean bluish(int rgb) {
        int r = rgb >> 16 & 0xff, g = rgb >> 8 & 0xff, b = rgb & 0xff;
        return b > 90 && r < 50 && g < 50;
    }

    static boolean greenish(int rgb) {
        int r = rgb >> 16 & 0xff, g = rgb >> 8 & 0xff, b = rgb & 0xff;
        return g > 90 && r < 50 && b < 50;
    }

    @Override
    public void close() {
        driver.quit();
    }
}
