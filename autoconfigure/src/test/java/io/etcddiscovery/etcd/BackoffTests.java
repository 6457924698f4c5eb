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

package io.etcddiscovery.etcd;

import java.time.Duration;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link Backoff}.
 *
 * @author etcd-discovery authors
 */
class BackoffTests {

	private final Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 2);

	@RepeatedTest(20)
	void growsExponentiallyWithJitter() {
		assertThat(this.backoff.delay(1).toMillis()).isBetween(800L, 1200L);
		assertThat(this.backoff.delay(2).toMillis()).isBetween(1600L, 2400L);
		assertThat(this.backoff.delay(4).toMillis()).isBetween(6400L, 9600L);
	}

	@RepeatedTest(20)
	void neverExceedsTheMaximumAndNeverGivesUp() {
		assertThat(this.backoff.delay(6).toMillis()).isBetween(24000L, 30000L);
		assertThat(this.backoff.delay(10_000).toMillis()).isBetween(24000L, 30000L);
	}

	@Test
	void rejectsNonsense() {
		assertThatIllegalArgumentException().isThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), 2));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 2));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(2), 0.5));
	}

}
