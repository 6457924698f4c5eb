/*
 * Copyright 2026 the etcd-discovery authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */
package io.etcddiscovery.discovery;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

/**
 * Tests for {@link WarmUp}: the ramp, on a fake clock.
 *
 * @author etcd-discovery authors
 */
class WarmUpTests {

	private static final long SECOND = Duration.ofSeconds(1).toNanos();

	private final AtomicLong ticker = new AtomicLong(5 * SECOND);

	// "new" became UP at 10 s; "old" was UP from the start.
	private final WarmUp warmUp = new WarmUp(Duration.ofSeconds(100),
			(key) -> "new".equals(key) ? OptionalLong.of(10 * SECOND) : OptionalLong.empty(), this.ticker::get);

	@Test
	void shareGrowsInAStraightLineFromTheFloorToFull() {
		assertThat(shareAt(10)).isEqualTo(0.1);
		assertThat(shareAt(15)).isEqualTo(0.1);
		assertThat(shareAt(20)).isCloseTo(0.1, within(1e-9));
		assertThat(shareAt(35)).isCloseTo(0.25, within(1e-9));
		assertThat(shareAt(60)).isCloseTo(0.5, within(1e-9));
		assertThat(shareAt(109)).isCloseTo(0.99, within(1e-9));
		assertThat(shareAt(110)).isEqualTo(1);
		assertThat(shareAt(10_000)).isEqualTo(1);
	}

	@Test
	void instancesUpFromTheStartAreWarm() {
		this.ticker.set(11 * SECOND);
		assertThat(this.warmUp.share("old")).isEqualTo(1);
		assertThat(this.warmUp.remaining("old")).isNull();
	}

	@Test
	void remainingCountsDownToTheEndOfTheWarmUp() {
		this.ticker.set(35 * SECOND);
		assertThat(this.warmUp.remaining("new")).isEqualTo(Duration.ofSeconds(75));
		this.ticker.set(110 * SECOND);
		assertThat(this.warmUp.remaining("new")).isNull();
	}

	@Test
	void zeroIsNoWarmUp() {
		WarmUp none = new WarmUp(Duration.ZERO, (key) -> OptionalLong.of(this.ticker.get()), this.ticker::get);
		assertThat(none.isEnabled()).isFalse();
		assertThat(none.share("new")).isEqualTo(1);
		assertThat(this.warmUp.isEnabled()).isTrue();
	}

	@Test
	void negativeDurationIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new WarmUp(Duration.ofSeconds(-1), (key) -> OptionalLong.empty(), System::nanoTime));
	}

	private double shareAt(long seconds) {
		this.ticker.set(seconds * SECOND);
		return this.warmUp.share("new");
	}

}
