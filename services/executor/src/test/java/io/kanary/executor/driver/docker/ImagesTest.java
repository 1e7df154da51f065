package io.kanary.executor.driver.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kanary.executor.driver.docker.Images.PullReference;
import org.junit.jupiter.api.Test;

class ImagesTest {

    @Test
    void shouldPullTheTagOfATaggedImage() {
        assertEquals(new PullReference("kanary-demo", "v1"), Images.pullReference("kanary-demo:v1"));
    }

    @Test
    void shouldPullLatestOfAnUntaggedImage() {
        assertEquals(new PullReference("busybox", "latest"), Images.pullReference("busybox"));
    }

    @Test
    void shouldNotTakeARegistrysPortForATag() {
        assertEquals(new PullReference("registry.local:5000/team/shop", "latest"),
                Images.pullReference("registry.local:5000/team/shop"));
        assertEquals(new PullReference("registry.local:5000/team/shop", "1.2"),
                Images.pullReference("registry.local:5000/team/shop:1.2"));
    }

    @Test
    void shouldPullAnImageByDigestWhole() {
        assertEquals(new PullReference("shop@sha256:4a5f", null), Images.pullReference("shop@sha256:4a5f"));
    }
}
