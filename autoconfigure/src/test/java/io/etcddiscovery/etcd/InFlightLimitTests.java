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

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link InFlightLimit}: calls are completed by hand, so that what is in flight
 * and what waits is known at each step.
 *
 * @author etcd-discovery authors
 */
class InFlightLimitTests {

	private final InFlightLimit limit = new InFlightLimit(2);

	private final List<CompletableFuture<String>> started = new ArrayList<>();

	@Test
	void startsAtMostTheLimitAndTheRestInOrderAsPlacesFree() {
		List<CompletableFuture<String>> results = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			results.add(this.limit.submit(this::call));
		}
		assertThat(this.started).hasSize(2);
		assertThat(this.limit.waiting()).isEqualTo(3);
		this.started.get(1).complete("second");
		assertThat(results.get(1)).isCompletedWithValue("second");
		assertThat(this.started).hasSize(3);
		this.started.get(0).completeExceptionally(new IllegalStateException("refused"));
		assertThat(results.get(0)).isCompletedExceptionally();
		assertThat(this.started).hasSize(4);
		this.started.get(2).complete("third");
		this.started.get(3).complete("fourth");
		assertThat(this.started).hasSize(5);
		assertThat(this.limit.waiting()).isZero();
		this.started.get(4).complete("fifth");
		assertThat(results.get(2)).isCompletedWithValue("third");
		assertThat(results.get(3)).isCompletedWithValue("fourth");
		assertThat(results.get(4)).isCompletedWithValue("fifth");
	}

	@Test
	void callsThatFailAtOnceFreeTheirPlaceWithoutNesting() {
		InFlightLimit one = new InFlightLimit(1);
		CompletableFuture<String> first = new CompletableFuture<>();
		one.submit(() -> first);
		List<CompletableFuture<String>> refused = new ArrayList<>();
		for (int i = 0; i < 100_000; i++) {
			refused.add(one.submit(() -> {
				throw new IllegalStateException("client closed");
			}));
		}
		assertThat(one.waiting()).isEqualTo(100_000);
		// Each waiting call fails at once as it starts: one loop starts them all, on this
		// thread, without a stack 100,000 calls deep.
		first.complete("done");
		assertThat(one.waiting()).isZero();
		assertThat(refused)
			.allSatisfy((result) -> assertThatExceptionOfType(CompletionException.class).isThrownBy(result::join)
				.withCauseInstanceOf(IllegalStateException.class));
		CompletableFuture<String> later = new CompletableFuture<>();
		CompletableFuture<String> result = one.submit(() -> later);
		later.complete("later");
		assertThat(result).isCompletedWithValue("later");
	}

	@Test
	void aCallSubmittedWhileItsPredecessorCompletesWaitsForAPlace() {
		InFlightLimit one = new InFlightLimit(1);
		CompletableFuture<String> first = new CompletableFuture<>();
		CompletableFuture<String> second = new CompletableFuture<>();
		List<String> order = new ArrayList<>();
		CompletableFuture<String> followed = one.submit(() -> first).thenCompose((value) -> {
			order.add(value);
			return one.submit(() -> {
				order.add("second started");
				return second;
			});
		});
		first.complete("first");
		assertThat(order).containsExactly("first", "second started");
		second.complete("second");
		assertThat(followed).isCompletedWithValue("second");
		assertThat(one.waiting()).isZero();
	}

	@Test
	void limitMustBePositive() {
		assertThatIllegalArgumentException().isThrownBy(() -> new InFlightLimit(0))
			.withMessage("'limit' must be positive");
	}

	private CompletableFuture<String> call() {
		CompletableFuture<String> call = new CompletableFuture<>();
		this.started.add(call);
		return call;
	}

}
