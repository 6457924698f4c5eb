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

package io.etcddiscovery.registration;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import io.etcddiscovery.registration.RegistrationStore.ExistingKey;
import io.etcddiscovery.registration.RegistrationStore.KeyListener;
import org.jspecify.annotations.Nullable;

/**
 * Watches this instance's own key and tells the registrar, on its executor, when the key
 * stops being this process's: deleted, replaced by another writer, or stripped of its
 * lease. Writes that keep the key this process's (a status update) are ignored.
 *
 * @author etcd-discovery authors
 */
final class OwnKeyWatch implements KeyListener {

	private final String key;

	private final long createRevision;

	private final Executor executor;

	private final Events events;

	private volatile @Nullable AutoCloseable handle;

	private volatile boolean closed;

	private OwnKeyWatch(String key, long createRevision, Executor executor, Events events) {
		this.key = key;
		this.createRevision = createRevision;
		this.executor = executor;
		this.events = events;
	}

	/**
	 * Start watching a key.
	 * @param store the store to watch
	 * @param key the key
	 * @param createRevision the create revision of this process's key
	 * @param fromRevision the first revision to receive
	 * @param executor where events are reported
	 * @param events told of what happens to the key
	 * @return the watch
	 */
	static OwnKeyWatch start(RegistrationStore store, String key, long createRevision, long fromRevision,
			Executor executor, Events events) {
		OwnKeyWatch watch = new OwnKeyWatch(key, createRevision, executor, events);
		watch.watch(store, fromRevision);
		return watch;
	}

	private void watch(RegistrationStore store, long fromRevision) {
		this.handle = store.watch(this.key, fromRevision, this);
	}

	/**
	 * Return whether this watch follows the given key as created at the given revision.
	 * @param key the key
	 * @param createRevision its create revision
	 * @return whether it does
	 */
	boolean follows(String key, long createRevision) {
		return this.key.equals(key) && this.createRevision == createRevision;
	}

	@Override
	public void deleted() {
		report(() -> this.events.deleted(this));
	}

	@Override
	public void put(ExistingKey written) {
		if (written.createRevision() != this.createRevision) {
			report(() -> this.events.lost(this, "replaced by someone else"));
		}
		else if (written.leaseId() == 0) {
			report(() -> this.events.lost(this, "its lease was removed by someone else"));
		}
	}

	@Override
	public void ended(String reason) {
		report(() -> this.events.ended(this, reason));
	}

	/**
	 * Stop watching.
	 */
	void close() {
		this.closed = true;
		AutoCloseable current = this.handle;
		if (current != null) {
			try {
				current.close();
			}
			catch (Exception ex) {
				// Closing a watcher does not fail in jetcd.
			}
		}
	}

	private void report(Runnable event) {
		if (this.closed) {
			return;
		}
		try {
			this.executor.execute(event);
		}
		catch (RejectedExecutionException ex) {
			// Stopped: nothing to do any more.
		}
	}

	/**
	 * What a watch tells the registrar.
	 */
	interface Events {

		void deleted(OwnKeyWatch watch);

		void lost(OwnKeyWatch watch, String reason);

		void ended(OwnKeyWatch watch, String reason);

	}

}
