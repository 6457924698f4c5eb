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

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.etcddiscovery.discovery.InstanceTable.KeyChange;
import io.etcddiscovery.etcd.EtcdErrors;
import org.jspecify.annotations.Nullable;

/**
 * One watch of a namespace prefix from a revision: it hands what jetcd delivers on its
 * threads to the cache's executor, where a watch that is no longer the current one is
 * ignored. It requires a leader, so that a member without quorum ends the watch instead
 * of going silent, and asks for a notification when it is (re)created, whose header tells
 * the cache whether etcd's history went back.
 *
 * @author etcd-discovery authors
 */
final class NamespaceWatch implements Watch.Listener {

	private final Executor executor;

	private final Events events;

	private volatile Watch.@Nullable Watcher watcher;

	// Touched on the cache's executor only.

	private boolean established;

	private @Nullable Throwable lastError;

	private NamespaceWatch(Executor executor, Events events) {
		this.executor = executor;
		this.events = events;
	}

	/**
	 * Start watching a prefix.
	 * @param client the etcd client
	 * @param prefix the prefix
	 * @param fromRevision the first revision to receive
	 * @param executor the cache's executor
	 * @param events told what the watch delivers
	 * @return the watch
	 */
	static NamespaceWatch start(Client client, String prefix, long fromRevision, Executor executor, Events events) {
		NamespaceWatch watch = new NamespaceWatch(executor, events);
		WatchOption option = WatchOption.builder()
			.isPrefix(true)
			.withRevision(fromRevision)
			.withRequireLeader(true)
			.withCreateNotify(true)
			.build();
		watch.watcher = client.getWatchClient().watch(ByteSequence.from(prefix, StandardCharsets.UTF_8), option, watch);
		return watch;
	}

	/**
	 * Return whether etcd confirmed this watch at least once.
	 * @return whether it was established
	 */
	boolean isEstablished() {
		return this.established;
	}

	/**
	 * Record that etcd confirmed this watch (again).
	 * @return whether it had been confirmed before: jetcd resumed it
	 */
	boolean established() {
		boolean resumed = this.established;
		this.established = true;
		return resumed;
	}

	/**
	 * Record the failure that interrupted this watch.
	 * @param error the failure
	 */
	void failed(Throwable error) {
		this.lastError = error;
	}

	/**
	 * Return why this watch ended, in one line.
	 * @return the reason
	 */
	String endReason() {
		Throwable error = this.lastError;
		if (error == null) {
			return "closed by etcd";
		}
		if (error instanceof CompactedException compacted) {
			return "compacted at revision " + compacted.getCompactedRevision();
		}
		return EtcdErrors.describe(error);
	}

	/**
	 * Stop watching.
	 */
	void close() {
		Watch.Watcher current = this.watcher;
		if (current != null) {
			current.close();
		}
	}

	@Override
	public void onNext(WatchResponse response) {
		hand(() -> this.events.received(this, response));
	}

	@Override
	public void onError(Throwable error) {
		hand(() -> this.events.failed(this, error));
	}

	@Override
	public void onCompleted() {
		hand(() -> this.events.completed(this));
	}

	private void hand(Runnable task) {
		try {
			this.executor.execute(task);
		}
		catch (RejectedExecutionException ex) {
			// The cache is closed.
		}
	}

	/**
	 * Return the changes in watch events, puts and deletes only.
	 * @param watchEvents the events
	 * @return the changes
	 */
	static List<KeyChange> changes(List<WatchEvent> watchEvents) {
		List<KeyChange> changes = new ArrayList<>(watchEvents.size());
		for (WatchEvent event : watchEvents) {
			KeyValue kv = event.getKeyValue();
			boolean put = event.getEventType() == WatchEvent.EventType.PUT;
			if (put || event.getEventType() == WatchEvent.EventType.DELETE) {
				changes.add(new KeyChange(kv.getKey().toString(StandardCharsets.UTF_8),
						put ? kv.getValue().getBytes() : null, kv.getModRevision()));
			}
		}
		return changes;
	}

	/**
	 * What a watch tells the cache, on its executor.
	 */
	interface Events {

		void received(NamespaceWatch watch, WatchResponse response);

		void failed(NamespaceWatch watch, Throwable error);

		void completed(NamespaceWatch watch);

	}

}
