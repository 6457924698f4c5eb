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
package io.etcddiscovery.client;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.etcd.jetcd.Client;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link DeferredEtcdClient}: jetcd builds a client without connecting, so no
 * etcd is needed.
 *
 * @author etcd-discovery authors
 */
class DeferredEtcdClientTests {

	private final ExecutorService executor = Executors
		.newSingleThreadExecutor((task) -> new Thread(task, "etcd-discovery-client-test"));

	@AfterEach
	void shutDown() {
		this.executor.shutdownNow();
	}

	@Test
	void buildsTheClientOnTheExecutorNotOnTheCallingThread() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		// The executor's only thread is busy: a build on it must wait.
		this.executor.execute(() -> awaitQuietly(release));
		AtomicReference<String> builtOn = new AtomicReference<>();
		DeferredEtcdClient client = new DeferredEtcdClient(Client.builder().endpoints("http://127.0.0.1:2379"),
				(built) -> builtOn.set(Thread.currentThread().getName()), this.executor);
		assertThat(builtOn).hasNullValue();
		release.countDown();
		// A call waits for the build.
		assertThat(client.getKVClient()).isNotNull();
		assertThat(builtOn).hasValue("etcd-discovery-client-test");
		client.close();
	}

	@Test
	void buildsNothingUntilTheContextsSingletonsAreCreated() {
		List<Runnable> tasks = new ArrayList<>();
		AtomicInteger builds = new AtomicInteger();
		DeferredEtcdClient client = new DeferredEtcdClient(Client.builder().endpoints("http://127.0.0.1:2379"),
				(built) -> builds.incrementAndGet(), tasks::add);
		assertThat(tasks).isEmpty();
		client.afterSingletonsInstantiated();
		client.afterSingletonsInstantiated();
		assertThat(tasks).hasSize(1);
		tasks.get(0).run();
		assertThat(builds).hasValue(1);
		client.close();
	}

	@Test
	void aCallBeforeTheSingletonsAreCreatedStartsTheBuild() {
		AtomicInteger builds = new AtomicInteger();
		DeferredEtcdClient client = new DeferredEtcdClient(Client.builder().endpoints("http://127.0.0.1:2379"),
				(built) -> builds.incrementAndGet(), this.executor);
		assertThat(client.getLeaseClient()).isNotNull();
		client.afterSingletonsInstantiated();
		assertThat(builds).hasValue(1);
		client.close();
	}

	@Test
	void aClientClosedBeforeItsBuildStartedIsNeverBuilt() {
		List<Runnable> tasks = new ArrayList<>();
		DeferredEtcdClient client = new DeferredEtcdClient(Client.builder().endpoints("http://127.0.0.1:2379"),
				(built) -> {
				}, tasks::add);
		client.close();
		client.afterSingletonsInstantiated();
		assertThat(tasks).isEmpty();
		assertThatIllegalStateException().isThrownBy(client::getKVClient).withMessageContaining("closed");
	}

	@Test
	void aClientThatCouldNotBeBuiltFailsEachCallWithItsErrorAndHoldsNothing() {
		// No endpoints: jetcd refuses to build.
		DeferredEtcdClient client = new DeferredEtcdClient(Client.builder(), (built) -> {
		}, this.executor);
		assertThatIllegalStateException().isThrownBy(client::getLeaseClient);
		assertThatIllegalStateException().isThrownBy(client::getWatchClient);
		client.close();
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
